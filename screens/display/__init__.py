"""The lobby display: who is called to which window, with flash, chime and speech."""
