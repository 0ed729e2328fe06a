"""Updates in: parse what a person did, call one service, answer them."""
