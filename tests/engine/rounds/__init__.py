"""Tests of the rounds of general rules (issue 17) from the forty-first on, one module per round
(``tests/engine/needs`` holds the twenty-fifth to the fortieth)."""
