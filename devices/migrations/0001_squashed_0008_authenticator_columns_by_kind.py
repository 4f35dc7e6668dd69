"""The devices app's schema as of 0008_authenticator_columns_by_kind, in one migration. It
replaces the migrations before it: a database that has them all applied takes it as
applied."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [
        ("devices", "0001_initial"),
        ("devices", "0002_phone_devices"),
        ("devices", "0003_temporary_devices_orders"),
        ("devices", "0004_temporary_device_proxy"),
        ("devices", "0005_device_shares"),
        ("devices", "0006_challenge_purpose"),
        ("devices", "0007_ib_key_activation_pending"),
        ("devices", "0008_authenticator_columns_by_kind"),
    ]


    initial = True

    dependencies = [
        ('accounts', '0001_squashed_0016_audit_event_type_without_choices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='OutboundMessage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(choices=[('sms', 'Text message'), ('voice', 'Voice call')], max_length=5)),
                ('to', models.CharField(db_index=True, max_length=20)),
                ('body', models.TextField()),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='PhoneAppInstallation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('installation_id', models.CharField(max_length=64, unique=True)),
                ('platform', models.CharField(choices=[('ios', 'iOS'), ('android', 'Android')], max_length=10)),
                ('os_version', models.CharField(max_length=10)),
                ('rooted', models.BooleanField(default=False)),
                ('biometrics', models.BooleanField(default=False)),
                ('private_key', models.TextField(blank=True, help_text='PEM, encrypted.')),
                ('pin_hash', models.CharField(blank=True, max_length=200)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.CreateModel(
            name='SimulatedCard',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('serial', models.CharField(max_length=40, unique=True)),
                ('printed_grid', models.TextField(blank=True, help_text='The printed codes, encrypted.')),
                ('presses', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='ActivationCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('purpose', models.CharField(choices=[('enrolment', 'Mobile number confirmation'), ('ib_key', 'IB Key activation')], max_length=12)),
                ('phone_number', models.CharField(max_length=20)),
                ('digest', models.CharField(max_length=64)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField()),
                ('used_at', models.DateTimeField(blank=True, null=True)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='activation_codes', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name='Authenticator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('dsc_plus', 'Digital Security Card+'), ('platinum', 'Platinum card'), ('gold', 'Gold card'), ('dsc', 'Digital Security Card'), ('ib_key', 'IB Key (IBKR Mobile)'), ('scc', 'Security Code Card'), ('sms', 'SMS'), ('temporary_passcode', 'Temporary passcode'), ('online_card', 'Online Security Code Card')], max_length=20)),
                ('serial', models.CharField(max_length=40, unique=True)),
                ('state', models.CharField(choices=[('in_stock', 'In stock'), ('shipped', 'Shipped'), ('active', 'Active'), ('lost', 'Lost'), ('damaged', 'Damaged'), ('returned', 'Returned'), ('revoked', 'Revoked')], default='in_stock', max_length=20)),
                ('secret', models.TextField(blank=True, editable=False, help_text='Seed, encrypted (D4).')),
                ('pin', models.TextField(blank=True, editable=False, help_text="The card's PIN, encrypted (D4): OCRA hashes it into each response.")),
                ('ocra_suite', models.CharField(blank=True, max_length=64)),
                ('phone_number', models.CharField(blank=True, help_text='E.164 number of an SMS device.', max_length=20)),
                ('public_key', models.TextField(blank=True, help_text="PEM of an IB Key app's EC P-256 key: verifies its approvals.")),
                ('app_installation', models.CharField(blank=True, db_index=True, help_text='The IB Key app installation this registration belongs to (K4).', max_length=64)),
                ('otp_mode', models.CharField(blank=True, choices=[('hotp', 'HOTP'), ('totp', 'TOTP')], max_length=4)),
                ('otp_digits', models.PositiveSmallIntegerField(default=6)),
                ('code_hash', models.CharField(blank=True, editable=False, help_text='A temporary passcode, hashed like a password (D4).', max_length=200)),
                ('counter', models.BigIntegerField(default=0, editable=False)),
                ('last_used_step', models.BigIntegerField(blank=True, editable=False, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('shipped_at', models.DateTimeField(blank=True, null=True)),
                ('activated_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'ordering': ['serial'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('phone_number', ''), ('kind__in', ['sms']), _connector='OR'), models.Q(models.Q(('phone_number', ''), _negated=True), models.Q(('kind__in', ['sms']), _negated=True), _connector='OR')), name='authenticator_phone_number_by_kind'), models.CheckConstraint(condition=models.Q(models.Q(('public_key', ''), ('kind__in', ['ib_key']), _connector='OR'), models.Q(models.Q(('public_key', ''), _negated=True), models.Q(('kind__in', ['ib_key']), _negated=True), _connector='OR')), name='authenticator_public_key_by_kind'), models.CheckConstraint(condition=models.Q(models.Q(('app_installation', ''), ('kind__in', ['ib_key']), _connector='OR'), models.Q(models.Q(('app_installation', ''), _negated=True), models.Q(('kind__in', ['ib_key']), _negated=True), _connector='OR')), name='authenticator_app_installation_by_kind'), models.CheckConstraint(condition=models.Q(('code_hash', ''), ('kind__in', ['temporary_passcode']), _connector='OR'), name='authenticator_code_hash_by_kind'), models.CheckConstraint(condition=models.Q(models.Q(('ocra_suite', ''), ('kind__in', ['dsc_plus', 'dsc', 'ib_key']), _connector='OR'), models.Q(models.Q(('ocra_suite', ''), _negated=True), models.Q(('kind__in', ['dsc_plus', 'dsc', 'ib_key']), _negated=True), _connector='OR')), name='authenticator_ocra_suite_by_kind'), models.CheckConstraint(condition=models.Q(models.Q(('otp_mode', ''), ('kind__in', ['platinum', 'gold']), _connector='OR'), models.Q(models.Q(('otp_mode', ''), _negated=True), models.Q(('kind__in', ['platinum', 'gold']), _negated=True), _connector='OR')), name='authenticator_otp_mode_by_kind')],
            },
        ),
        migrations.CreateModel(
            name='TemporaryDevice',
            fields=[
            ],
            options={
                'verbose_name': 'temporary device',
                'permissions': [('issue_temporary_passcode', 'Can issue a temporary passcode'), ('report_device', 'Can mark a security device lost or damaged'), ('record_device_return', 'Can record a returned security device')],
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('devices.authenticator',),
        ),
        migrations.CreateModel(
            name='SecurityDevice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='The human-readable name of this device.', max_length=64)),
                ('confirmed', models.BooleanField(default=True, help_text='Is this device ready for use?')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('authenticator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='user_devices', to='devices.authenticator')),
                ('user', models.ForeignKey(help_text='The user that this device belongs to.', on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name='PushRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('attempt', models.CharField(db_index=True, max_length=64)),
                ('number', models.CharField(help_text='The number shown at login, typed on the phone.', max_length=2)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField()),
                ('status', models.CharField(choices=[('pending', 'Waiting for the phone'), ('approved', 'Approved'), ('denied', 'Denied')], default='pending', max_length=10)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('method', models.CharField(blank=True, choices=[('pin', 'PIN'), ('biometric', 'Biometrics')], max_length=10)),
                ('fraud_reported', models.BooleanField(default=False)),
                ('signature', models.TextField(blank=True)),
                ('consumed_at', models.DateTimeField(blank=True, null=True)),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True)),
                ('user_agent', models.CharField(blank=True, max_length=512)),
                ('device', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pushes', to='devices.securitydevice')),
            ],
        ),
        migrations.CreateModel(
            name='IbKeyActivation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token_digest', models.CharField(max_length=64, unique=True)),
                ('attempt', models.CharField(help_text="Binds the device's challenge (D2).", max_length=64)),
                ('stage', models.CharField(choices=[('answer', 'Answer a security device'), ('number', 'Give the mobile number'), ('code', 'Type the code sent by SMS')], max_length=8)),
                ('phone_number', models.CharField(blank=True, max_length=20)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField()),
                ('used_at', models.DateTimeField(blank=True, null=True)),
                ('code', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='devices.activationcode')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ib_key_activations', to=settings.AUTH_USER_MODEL)),
                ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='devices.securitydevice')),
                ('asked_device', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='devices.securitydevice')),
            ],
        ),
        migrations.CreateModel(
            name='DeviceShare',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('pending', 'Pending Compliance review'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('cancelled', 'Cancelled')], default='pending', max_length=10)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('reason', models.CharField(blank=True, max_length=500)),
                ('cancelled_at', models.DateTimeField(blank=True, null=True)),
                ('authenticator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='shares', to='devices.authenticator')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='device_shares_owned', to=settings.AUTH_USER_MODEL)),
                ('requester', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='device_shares_requested', to=settings.AUTH_USER_MODEL)),
                ('deactivated_devices', models.ManyToManyField(blank=True, help_text="The requester's redundant devices, set aside while the share lasts (H5).", related_name='+', to='devices.securitydevice')),
            ],
            options={
                'ordering': ['-created_at', '-pk'],
                'permissions': [('decide_deviceshare', 'Can approve or reject a device share')],
            },
        ),
        migrations.CreateModel(
            name='Challenge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('purpose', models.CharField(max_length=32)),
                ('attempt', models.CharField(db_index=True, max_length=64)),
                ('value', models.CharField(blank=True, max_length=64)),
                ('secret', models.TextField(blank=True, help_text='A code sent out of band (SMS, voice), encrypted until used.')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField()),
                ('used_at', models.DateTimeField(blank=True, null=True)),
                ('device', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='challenges', to='devices.securitydevice')),
            ],
        ),
        migrations.CreateModel(
            name='CardCell',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('index', models.PositiveSmallIntegerField()),
                ('digest', models.CharField(max_length=64)),
                ('authenticator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cells', to='devices.authenticator')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('authenticator', 'index'), name='one_cell_per_index')],
            },
        ),
        migrations.CreateModel(
            name='DeviceOrder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('placed', 'Placed'), ('shipped', 'Shipped'), ('activated', 'Activated'), ('cancelled', 'Cancelled')], default='placed', max_length=10)),
                ('address_line', models.CharField(max_length=200)),
                ('city', models.CharField(max_length=100)),
                ('postal_code', models.CharField(max_length=20)),
                ('address_country', models.CharField(max_length=2)),
                ('hold_amount', models.DecimalField(decimal_places=2, default=20, max_digits=8)),
                ('hold', models.CharField(choices=[('held', 'Held'), ('released', 'Released'), ('kept', 'Kept')], default='held', max_length=10)),
                ('hold_reason', models.CharField(blank=True, max_length=200)),
                ('placed_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('shipped_at', models.DateTimeField(blank=True, null=True)),
                ('estimated_delivery', models.DateField(blank=True, null=True)),
                ('auto_activate_at', models.DateTimeField(blank=True, null=True)),
                ('approaching_notice_at', models.DateTimeField(blank=True, null=True)),
                ('imminent_notice_at', models.DateTimeField(blank=True, null=True)),
                ('activated_at', models.DateTimeField(blank=True, null=True)),
                ('authenticator', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='order', to='devices.authenticator')),
                ('hold_account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.account')),
                ('replaces', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='devices.authenticator')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='device_orders', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'constraints': [models.UniqueConstraint(condition=models.Q(('status__in', ['placed', 'shipped'])), fields=('user',), name='one_open_order_per_user')],
            },
        ),
        migrations.CreateModel(
            name='PhoneAppAccount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('username', models.CharField(max_length=64)),
                ('serial', models.CharField(max_length=40)),
                ('ocra_suite', models.CharField(max_length=64)),
                ('ocra_secret', models.TextField(help_text='Encrypted.')),
                ('installation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='accounts', to='devices.phoneappinstallation')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('installation', 'username'), name='one_account_per_user')],
            },
        ),
        migrations.AddConstraint(
            model_name='securitydevice',
            constraint=models.UniqueConstraint(fields=('user', 'authenticator'), name='one_device_per_user'),
        ),
        migrations.AddIndex(
            model_name='pushrequest',
            index=models.Index(fields=['device', 'status'], name='push_device_status'),
        ),
        migrations.AddConstraint(
            model_name='deviceshare',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['pending', 'approved'])), fields=('requester',), name='one_open_share_per_requester'),
        ),
        migrations.AddConstraint(
            model_name='deviceshare',
            constraint=models.CheckConstraint(condition=models.Q(('requester', models.F('owner')), _negated=True), name='share_not_with_oneself'),
        ),
        migrations.AddIndex(
            model_name='challenge',
            index=models.Index(fields=['device', 'purpose', 'used_at'], name='challenge_device_purpose'),
        ),
    ]
