"""Hand-written content under content/: page texts and numbered articles."""
