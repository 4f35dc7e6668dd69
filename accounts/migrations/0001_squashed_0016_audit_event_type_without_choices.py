"""The accounts app's schema as of 0016_audit_event_type_without_choices, in one migration.
It replaces the migrations before it: a database that has them all applied takes it as
applied."""

import accounts.models.users
import accounts.validators
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import django_countries.fields
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from accounts.db.append_only import AppendOnlyTrigger


class Migration(migrations.Migration):
    replaces = [
        ("accounts", "0001_initial"),
        ("accounts", "0002_audit_append_only"),
        ("accounts", "0003_support_group"),
        ("accounts", "0004_alter_auditevent_event_type"),
        ("accounts", "0005_push_audit_events"),
        ("accounts", "0006_client_address_opt_out_notices"),
        ("accounts", "0007_lost_device_audit_events"),
        ("accounts", "0008_opt_out_bank_deposits"),
        ("accounts", "0009_withdrawal_audit_events"),
        ("accounts", "0010_share_audit_events"),
        ("accounts", "0011_order_ticket_audit_events"),
        ("accounts", "0012_user_sessions_index_and_push_limit_events"),
        ("accounts", "0013_gate_identification_events"),
        ("accounts", "0014_security_request_address_kind"),
        ("accounts", "0015_client_mobile_number_activation_refused"),
        ("accounts", "0016_audit_event_type_without_choices"),
    ]


    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='User',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('password', models.CharField(max_length=128, verbose_name='password')),
                ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last login')),
                ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                ('username', models.CharField(help_text='Lower-case letters and digits; case-sensitive.', max_length=64, unique=True, validators=[accounts.validators.UsernameValidator()])),
                ('email', models.EmailField(blank=True, max_length=254)),
                ('is_staff', models.BooleanField(default=False)),
                ('is_active', models.BooleanField(default=True)),
                ('date_joined', models.DateTimeField(default=django.utils.timezone.now)),
                ('last_failed_login_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('locked_at', models.DateTimeField(blank=True, editable=False, help_text='When ten consecutive failures within 24 hours locked this user (L3).', null=True)),
                ('sessions_ended_at', models.DateTimeField(blank=True, editable=False, help_text='When every session and pending login of this user was ended (G3): a session or login begun before this moment is refused.', null=True)),
                ('groups', models.ManyToManyField(blank=True, help_text='The groups this user belongs to. A user will get all permissions granted to each of their groups.', related_name='user_set', related_query_name='user', to='auth.group', verbose_name='groups')),
                ('user_permissions', models.ManyToManyField(blank=True, help_text='Specific permissions for this user.', related_name='user_set', related_query_name='user', to='auth.permission', verbose_name='user permissions')),
            ],
            options={
                'ordering': ['username'],
                'permissions': [('lift_lockout', 'Can lift a login lockout')],
            },
            managers=[
                ('objects', accounts.models.users.SlsUserManager()),
            ],
        ),
        migrations.CreateModel(
            name='Account',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=12, unique=True, validators=[django.core.validators.RegexValidator('^U[0-9]{7,10}$', 'Account numbers look like U1234567.')])),
                ('title', models.CharField(max_length=200)),
                ('base_currency', models.CharField(default='USD', max_length=3, validators=[django.core.validators.RegexValidator('^[A-Z]{3}$', 'Use an ISO 4217 currency code.')])),
                ('equity', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, validators=[django.core.validators.MinValueValidator(Decimal('0.00'))])),
                ('sls_opted_out', models.BooleanField(default=False, help_text='Opted out of SLS: the trading platform logs in with the password alone (L6).', verbose_name='Secure Login not required for trading')),
                ('opened_at', models.DateTimeField(auto_now_add=True)),
                ('primary_user', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='primary_of', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['number'],
            },
        ),
        migrations.AddField(
            model_name='user',
            name='account',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='users', to='accounts.account'),
        ),
        migrations.CreateModel(
            name='BankInstruction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('bank_name', models.CharField(max_length=120)),
                ('account_holder', models.CharField(max_length=120)),
                ('routing_number', models.CharField(blank=True, help_text='US ABA routing number; empty when an IBAN is given.', max_length=9)),
                ('account_number', models.CharField(help_text='IBAN, or a US account number.', max_length=34)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('account', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='bank_instruction', to='accounts.account')),
            ],
        ),
        migrations.CreateModel(
            name='Client',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('person', 'Person'), ('entity', 'Entity')], max_length=10)),
                ('name', models.CharField(max_length=200)),
                ('date_of_birth', models.DateField(blank=True, null=True)),
                ('citizenship', django_countries.fields.CountryField(max_length=2)),
                ('residence_country', django_countries.fields.CountryField(max_length=2, verbose_name='country of legal residence')),
                ('id_document_type', models.CharField(choices=[('passport', 'Passport'), ('national_id', 'National identity card'), ('driving_licence', 'Driving licence'), ('ssn', 'US Social Security Number'), ('registration', 'Company registration number')], max_length=20, verbose_name='identification document type')),
                ('id_document_number', models.CharField(max_length=40, verbose_name='identification document number')),
                ('address_line', models.CharField(blank=True, max_length=200, verbose_name='street address')),
                ('city', models.CharField(blank=True, max_length=100)),
                ('postal_code', models.CharField(blank=True, max_length=20)),
                ('address_country', django_countries.fields.CountryField(blank=True, max_length=2, verbose_name='country of the address')),
                ('email', models.EmailField(blank=True, max_length=254)),
                ('mobile_number', models.CharField(blank=True, help_text='From the account application (E.164). Without a permanent device, only a number on record may receive an activation code (G2).', max_length=20, validators=[django.core.validators.RegexValidator('^\\+[1-9][0-9]{6,14}$', 'Use E.164, e.g. +447700900123.')], verbose_name='mobile number on record')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['name'],
                'constraints': [models.CheckConstraint(condition=models.Q(('kind', 'entity'), ('date_of_birth__isnull', False), _connector='OR'), name='person_has_date_of_birth')],
            },
        ),
        migrations.AddField(
            model_name='user',
            name='client',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='users', to='accounts.client'),
        ),
        migrations.CreateModel(
            name='Deposit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('method', models.CharField(choices=[('ach', 'ACH (US bank transfer)'), ('eft', 'EFT (Canadian bank transfer)')], max_length=3)),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0.01'))])),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deposits', to='accounts.account')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deposits', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-requested_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='LoginFailure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='login_failures', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name='Notice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subject', models.CharField(max_length=200)),
                ('body', models.TextField()),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('read_at', models.DateTimeField(blank=True, null=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notices', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='SecurityTeamRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('bank_instructions', 'Bank instructions'), ('email', 'E-mail address'), ('address', 'Address of record')], max_length=20)),
                ('payload', models.JSONField(help_text='The new values, applied as they are on approval.')),
                ('status', models.CharField(choices=[('pending', 'Waiting for the Security Team'), ('approved', 'Approved and applied'), ('rejected', 'Rejected')], default='pending', max_length=10)),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decision_note', models.CharField(blank=True, max_length=500)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='security_requests', to='accounts.account')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='security_requests_decided', to=settings.AUTH_USER_MODEL)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='security_requests', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-requested_at', '-pk'],
                'permissions': [('decide_securityteamrequest', 'Can approve or reject security requests')],
            },
        ),
        migrations.CreateModel(
            name='UserSession',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('session_key', models.CharField(max_length=40, unique=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='portal_sessions', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('event_type', models.CharField(max_length=40)),
                ('outcome', models.CharField(choices=[('success', 'Success'), ('failure', 'Failure')], max_length=10)),
                ('actor_username', models.CharField(blank=True, max_length=150)),
                ('subject_username', models.CharField(blank=True, max_length=150)),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True)),
                ('user_agent', models.CharField(blank=True, max_length=512)),
                ('detail', models.JSONField(blank=True, default=dict)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_events_acted', to=settings.AUTH_USER_MODEL)),
                ('subject', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_events', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-at', '-id'],
                'indexes': [models.Index(fields=['subject', 'at'], name='auditevent_subject_at')],
            },
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('account__isnull', True), ('client__isnull', True)), models.Q(('account__isnull', False), ('client__isnull', False)), _connector='OR'), name='client_user_has_client_and_account'),
        ),
        migrations.AddConstraint(
            model_name='deposit',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='deposit_positive'),
        ),
        migrations.AddIndex(
            model_name='loginfailure',
            index=models.Index(fields=['user', 'at'], name='loginfailure_user_at'),
        ),
        migrations.AddConstraint(
            model_name='securityteamrequest',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('user', 'kind'), name='one_pending_security_request_per_kind'),
        ),
        migrations.AddIndex(
            model_name='usersession',
            index=models.Index(fields=['user', 'created_at'], name='usersession_user_created'),
        ),
        AppendOnlyTrigger(
            table="accounts_auditevent",
            name="audit_event_append_only",
            message="audit events are append-only",
        ),
    ]
