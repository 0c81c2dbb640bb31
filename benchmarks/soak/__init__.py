"""The chaos soak (`sanzhi bench soak`): the whole system on the embedded chain, under load, while its parts die."""
