"""Reading a seed: files to validated records, whole-seed checks, the graph, names, snapshots."""
