"""A synthetic data set at national scale (``manage.py seed_scale``): ``plan`` decides what it
holds, ``generate`` makes the rows of one chunk, ``store`` writes them with COPY and records
progress, ``runner`` runs it all. See docs/performance.md."""
