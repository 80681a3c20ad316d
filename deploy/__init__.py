"""Serving the dashboard beyond `make run`: replicas behind HAProxy, container, Kubernetes."""
