"""ctxvec.lexicon."""
