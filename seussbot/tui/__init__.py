"""The Textual app: a library of corpora and models, and a studio to train and play.

Only Textual is imported up front; torch and the training engine load in
worker threads, so the first frame appears quickly.
"""
