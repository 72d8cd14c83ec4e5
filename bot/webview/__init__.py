"""The web view (issue 16): pages for officers and leaders, served by the bot's web server."""
