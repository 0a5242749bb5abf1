"""The Sleuth and VIQE inspection boards: defect size, raw materials and tweezers."""
