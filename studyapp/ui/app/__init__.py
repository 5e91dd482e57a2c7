"""The main window and what every window shares: launch, style, common dialogs, settings, geometry."""
