"""`python -m etl refresh`: plan what the pages need from the Census and Comtrade APIs,
fetch only what is new (plus a look-back window for revisions), save what changed, and
rebuild. scope: what the pages need; holdings: what data/raw holds; plan: the requests;
state: the lock and the resumable plan file; run: the fetch loop and the summary."""
