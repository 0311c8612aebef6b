"""``senim demo`` (the demo-data helper replaces this with the real command)."""
import click


@click.command("demo")
def demo_command() -> None:
    """Fill the database with synthetic demo data."""
    raise click.ClickException("not built yet")
