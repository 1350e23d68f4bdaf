"""The Claude client and the pieces the offline backends share."""
