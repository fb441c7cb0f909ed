from django.db import migrations, models


def number_from_references(apps, schema_editor):
    """Start each domain's counter at the highest number its references already use, so that
    the next application sent gets the number the scan of earlier references gave."""
    CallDomain = apps.get_model("calls", "CallDomain")
    Application = apps.get_model("grants", "Application")
    for call_domain in CallDomain.objects.select_related("call", "domain"):
        prefix = f"{call_domain.call.code}-{call_domain.call.year}-{call_domain.domain.code}-"
        used = Application.objects.filter(reference__startswith=prefix).values_list(
            "reference", flat=True
        )
        last = max(
            (int(ref[len(prefix) :]) for ref in used if ref[len(prefix) :].isdigit()), default=0
        )
        if last:
            CallDomain.objects.filter(pk=call_domain.pk).update(last_reference_number=last)


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0001_initial"),
        ("grants", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="calldomain",
            name="last_reference_number",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="last reference number"
            ),
        ),
        migrations.RunPython(number_from_references, migrations.RunPython.noop),
    ]
