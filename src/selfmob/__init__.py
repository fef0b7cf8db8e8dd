"""selfmob: joint self-mobilization for coaches and clients."""

__version__ = "0.1.0"
