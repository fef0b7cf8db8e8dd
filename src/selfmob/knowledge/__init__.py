"""The knowledge core: joints, ROM tests, techniques and the rules that connect them.

Pure Python: nothing here imports Django or any web framework (a test enforces it).
"""
