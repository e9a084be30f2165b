"""Bundled fonts (DejaVu, see LICENSE-DejaVu.txt); a package so the wheel carries the .ttf files."""
