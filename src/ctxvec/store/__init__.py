"""ctxvec.store."""
