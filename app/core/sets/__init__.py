"""Sets as photographers shoot them: what a group of frames is for (a burst to pick one from,
an exposure bracket, a panorama, a focus stack, a timelapse) and whether two files are two
exposures or two copies of one exposure."""
