"""What the build adds to a deck read from the notes before it is exported."""
