"""``senim ngo …`` (the NGO-registry helper replaces this with the real commands)."""
import click


@click.group("ngo")
def ngo_group() -> None:
    """The NGO registry."""
