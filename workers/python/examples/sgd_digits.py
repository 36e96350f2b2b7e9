#!/usr/bin/env python3
"""Train a linear classifier on scikit-learn's digits, one epoch per step, printing metrics.

Written for `vernier agent`: parameters come as arguments, metrics go to stdout as JSON lines.

    vernier agent --study sgd -- /usr/bin/python3 workers/python/examples/sgd_digits.py \
        --alpha {alpha} --eta0 {eta0} --epochs 20
"""
import argparse
import json
import warnings

from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--alpha", type=float, required=True, help="L2 regularisation")
    parser.add_argument("--eta0", type=float, required=True, help="initial learning rate")
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()

    x, y = load_digits(return_X_y=True)
    x = x / 16.0
    x_train, x_valid, y_train, y_valid = train_test_split(x, y, test_size=0.3, random_state=0)
    model = SGDClassifier(loss="log_loss", alpha=args.alpha, learning_rate="constant", eta0=args.eta0,
                          random_state=0)
    classes = sorted(set(y))
    warnings.simplefilter("ignore")
    for epoch in range(args.epochs):
        model.partial_fit(x_train, y_train, classes=classes)
        error = 1.0 - model.score(x_valid, y_valid)
        print(json.dumps({"step": epoch, "val_error": error}), flush=True)


if __name__ == "__main__":
    main()
