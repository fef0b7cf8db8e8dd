from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0005_session_instrument"),
    ]

    operations = [
        migrations.CreateModel(
            name="RateCount",
            fields=[
                ("key", models.CharField(max_length=120, primary_key=True, serialize=False)),
                ("count", models.PositiveIntegerField()),
                ("expires_at", models.FloatField(db_index=True)),
            ],
        ),
    ]
