"""Feedback models: Q&A, complaints, FAQ, ratings."""
