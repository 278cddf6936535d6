"""The optimise loop's decisions as pure functions: evidence in, proposed actions out.

Nothing here reads the clock, the network or a file; `agents.optimize.cycle` feeds it.
Imports `state` only (and each other).
"""
