"""The Slack surface: listeners by surface, Block Kit builders in bot/blocks/."""
