"""The app's screens: the library, the studio, and small dialogs."""
