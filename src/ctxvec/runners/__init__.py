"""ctxvec.runners."""
