"""Tests of the rounds of general rules (issue 17) from the sixtieth on, one module per round
(``tests/engine/rounds`` holds the forty-first to the fifty-ninth)."""
