"""`python -m translitnorm` runs the command-line interface."""
from translitnorm.cli import main

main()
