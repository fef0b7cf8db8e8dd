"""Views: parse input, check access, call one service or selector, render."""
