"""ctxvec.neighbours."""
