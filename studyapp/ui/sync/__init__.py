"""Sync with an Anki sync server from the window: the Sync button and Y, Tools → Sync settings…, progress with
Cancel, the summary, and Tools → Sync conflicts…"""
