"""The servicebot application: settings, CLI, wiring, channels, scheduler, i18n."""
