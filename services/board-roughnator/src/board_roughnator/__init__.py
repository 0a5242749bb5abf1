"""The roughnator board: milling acceleration and estimated surface roughness, live."""
