"""Qt-free use cases shared by the GUI and the command line."""
