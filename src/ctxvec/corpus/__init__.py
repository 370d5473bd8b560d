"""ctxvec.corpus."""
