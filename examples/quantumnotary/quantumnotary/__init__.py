"""QuantumNotary: a notarization service that anchors documents on ledgers."""
