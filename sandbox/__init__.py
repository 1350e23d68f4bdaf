"""Local emulations of Slack, Google and Zoom speaking their real wire formats."""
