"""ctxvec.transforms."""
