"""Tests of the rounds of general rules (issue 17) from the forty-first to the fifty-ninth, one module per round
(``tests/engine/needs`` holds the twenty-fifth to the fortieth, ``tests/engine/rounds_sixty`` the sixtieth on)."""
