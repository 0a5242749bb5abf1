"""The fams board: worker fatigue per production line and the last intervention."""
