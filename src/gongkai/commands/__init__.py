"""Commands for producing reports (template, tally, render), registered on the `gongkai` group in cli.py."""
