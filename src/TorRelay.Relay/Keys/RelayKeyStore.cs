using Microsoft.Extensions.Logging;
using TorRelay.Cells.Certs;
using TorRelay.Crypto;
using TorRelay.Crypto.KeyFiles;

namespace TorRelay.Relay.Keys;

/// <summary>
/// The relay's key files in DataDirectory/keys, in exactly C tor's formats and names, so a C tor relay's identity
/// carries over and back. Follows router.c (init_keys, rotate_onion_key, expire_old_onion_keys) and routerkeys.c
/// (load_ed_keys). Call <see cref="LoadOrCreate"/> once, then <see cref="RotateIfNeeded"/> periodically.
/// </summary>
public sealed class RelayKeyStore
{
    public const string SecretIdKey = "secret_id_key";
    public const string MasterIdSecretKey = "ed25519_master_id_secret_key";
    public const string MasterIdPublicKey = "ed25519_master_id_public_key";
    public const string SigningSecretKey = "ed25519_signing_secret_key";
    public const string SigningCert = "ed25519_signing_cert";
    public const string SecretOnionKey = "secret_onion_key";
    public const string SecretOnionKeyNtor = "secret_onion_key_ntor";
    public const string OldSuffix = ".old";

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RelayKeyOptions _options;
    private readonly Lock _gate = new();
    private RelayKeys? _current;

    public RelayKeyStore(string dataDirectory, TimeProvider timeProvider, ILogger logger, RelayKeyOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        DataDirectory = Path.GetFullPath(dataDirectory);
        KeysDirectory = Path.Combine(DataDirectory, "keys");
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _options = options ?? new RelayKeyOptions();
    }

    public string DataDirectory { get; }
    public string KeysDirectory { get; }

    /// <summary>The latest snapshot; throws before <see cref="LoadOrCreate"/>.</summary>
    public RelayKeys Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("Keys not loaded yet");

    /// <summary>
    /// Creates DataDirectory and DataDirectory/keys (0700) and any missing key, loads existing keys unchanged, and
    /// (as C tor's load_ed_keys) makes a new signing key when the current one is missing, expired or within the slop.
    /// Throws on key files it must not repair (a corrupt identity key, mismatched master key files).
    /// </summary>
    public RelayKeys LoadOrCreate()
    {
        lock (_gate)
        {
            if (PrivateFiles.EnsureDirectory(DataDirectory))
                _logger.LogWarning("Fixed permissions on {Directory} to 0700", DataDirectory);
            if (PrivateFiles.EnsureDirectory(KeysDirectory))
                _logger.LogWarning("Fixed permissions on {Directory} to 0700", KeysDirectory);

            var now = _time.GetUtcNow();
            var identity = LoadOrCreateRsa(SecretIdKey, "identity key");
            var (masterPublic, master, signing, cert) = LoadEd25519Keys(now);
            var tap = LoadOrCreateRsa(SecretOnionKey, "TAP onion key");
            var previousTap = LoadOptionalRsa(SecretOnionKey + OldSuffix);
            var (ntor, ntorCreated) = LoadOrCreateNtor(now);
            var previousNtor = LoadOptionalNtor(SecretOnionKeyNtor + OldSuffix);

            var keys = new RelayKeys
            {
                Identity = identity,
                MasterIdentityKey = masterPublic,
                MasterIdentity = master,
                Signing = signing,
                SigningCert = cert,
                NtorOnionKey = ntor,
                PreviousNtorOnionKey = previousNtor,
                TapOnionKey = tap,
                PreviousTapOnionKey = previousTap,
                OnionKeysCreated = ntorCreated,
            };
            _logger.LogInformation("Relay identity {Fingerprint}, ed25519 identity {Ed25519}",
                keys.Fingerprint, masterPublic.ToBase64());
            Volatile.Write(ref _current, keys);
            return keys;
        }
    }

    /// <summary>
    /// Renews the signing key and certificate when the certificate expires within the slop, rotates the onion keys
    /// once they are older than the onion key lifetime (the previous ones move to .old files), and forgets the
    /// previous onion keys (deleting the .old files) once the grace period has passed, as C tor's periodic events do.
    /// </summary>
    public KeyRotation RotateIfNeeded()
    {
        lock (_gate)
        {
            var keys = Current;
            var now = _time.GetUtcNow();
            var changes = KeyRotation.None;

            if (keys.SigningCert.Expiration < now + _options.SigningKeySlop)
            {
                if (keys.MasterIdentity is { } master)
                {
                    var (signing, cert) = CreateSigningKey(master, now);
                    keys = keys with { Signing = signing, SigningCert = cert };
                    changes |= KeyRotation.SigningKey;
                }
                else
                {
                    _logger.LogWarning("Signing key expires at {Expiration}, but the master identity secret key is " +
                        "not available to sign a new one", keys.SigningCert.Expiration);
                }
            }

            if (keys.OnionKeysCreated + _options.OnionKeyLifetime <= now)
            {
                var (tap, ntor) = RotateOnionKeys(now);
                keys = keys with
                {
                    PreviousTapOnionKey = keys.TapOnionKey,
                    PreviousNtorOnionKey = keys.NtorOnionKey,
                    TapOnionKey = tap,
                    NtorOnionKey = ntor,
                    OnionKeysCreated = now,
                };
                changes |= KeyRotation.OnionKeys;
            }
            else if (keys.OnionKeysCreated + _options.OnionKeyGracePeriod <= now &&
                     (keys.PreviousTapOnionKey is not null || keys.PreviousNtorOnionKey is not null ||
                      File.Exists(KeyPath(SecretOnionKey + OldSuffix)) || File.Exists(KeyPath(SecretOnionKeyNtor + OldSuffix))))
            {
                _logger.LogInformation("Expiring old onion keys");
                PrivateFiles.DeleteIfExists(KeyPath(SecretOnionKey + OldSuffix));
                PrivateFiles.DeleteIfExists(KeyPath(SecretOnionKeyNtor + OldSuffix));
                keys = keys with { PreviousTapOnionKey = null, PreviousNtorOnionKey = null };
                changes |= KeyRotation.PreviousOnionKeysExpired;
            }

            if (changes != KeyRotation.None) Volatile.Write(ref _current, keys);
            return changes;
        }
    }

    private string KeyPath(string name) => Path.Combine(KeysDirectory, name);

    private RsaPrivateKey LoadOrCreateRsa(string name, string what)
    {
        var path = KeyPath(name);
        if (PrivateFiles.HasContent(path))
        {
            if (!TorKeyFiles.TryDecodeRsaPrivateKey(File.ReadAllBytes(path), out var key, out var error))
                throw new InvalidDataException($"Cannot load {what} from {path}: {error}");
            return key!;
        }
        _logger.LogInformation("No {What} in {Path}; generating a new one", what, path);
        var created = RsaPrivateKey.Generate(1024);
        PrivateFiles.WriteAtomic(path, TorKeyFiles.EncodeRsaPrivateKey(created));
        return created;
    }

    private RsaPrivateKey? LoadOptionalRsa(string name)
    {
        var path = KeyPath(name);
        if (!PrivateFiles.HasContent(path)) return null;
        if (TorKeyFiles.TryDecodeRsaPrivateKey(File.ReadAllBytes(path), out var key, out var error)) return key;
        _logger.LogWarning("Ignoring unreadable {Path}: {Error}", path, error);
        return null;
    }

    private (Curve25519KeyPair Key, DateTimeOffset Created) LoadOrCreateNtor(DateTimeOffset now)
    {
        var path = KeyPath(SecretOnionKeyNtor);
        if (PrivateFiles.HasContent(path))
        {
            if (!TorKeyFiles.TryDecodeCurve25519(File.ReadAllBytes(path), TorKeyFiles.NtorOnionTag, out var key, out var error))
                throw new InvalidDataException($"Cannot load ntor onion key from {path}: {error}");
            // C tor keeps LastRotatedOnionKey in its state file; the file's mtime is the same instant. A time in the
            // future is not trusted (we might never rotate), as C tor does with the state value.
            var modified = new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);
            return (key!, modified > now ? now : modified);
        }
        _logger.LogInformation("No ntor onion key in {Path}; generating a new one", path);
        var created = Curve25519KeyPair.Generate();
        PrivateFiles.WriteAtomic(path, TorKeyFiles.EncodeCurve25519(created, TorKeyFiles.NtorOnionTag), now);
        return (created, now);
    }

    private Curve25519KeyPair? LoadOptionalNtor(string name)
    {
        var path = KeyPath(name);
        if (!PrivateFiles.HasContent(path)) return null;
        if (TorKeyFiles.TryDecodeCurve25519(File.ReadAllBytes(path), TorKeyFiles.NtorOnionTag, out var key, out var error)) return key;
        _logger.LogWarning("Ignoring unreadable {Path}: {Error}", path, error);
        return null;
    }

    /// <summary>router.c rotate_onion_key: current files become .old, new keys are written.</summary>
    private (RsaPrivateKey Tap, Curve25519KeyPair Ntor) RotateOnionKeys(DateTimeOffset now)
    {
        _logger.LogInformation("Rotating onion keys");
        var tapPath = KeyPath(SecretOnionKey);
        var tap = RsaPrivateKey.Generate(1024);
        if (PrivateFiles.HasContent(tapPath)) PrivateFiles.Replace(tapPath, tapPath + OldSuffix);
        PrivateFiles.WriteAtomic(tapPath, TorKeyFiles.EncodeRsaPrivateKey(tap));

        var ntorPath = KeyPath(SecretOnionKeyNtor);
        var ntor = Curve25519KeyPair.Generate();
        if (PrivateFiles.HasContent(ntorPath)) PrivateFiles.Replace(ntorPath, ntorPath + OldSuffix);
        PrivateFiles.WriteAtomic(ntorPath, TorKeyFiles.EncodeCurve25519(ntor, TorKeyFiles.NtorOnionTag), now);
        return (tap, ntor);
    }

    /// <summary>routerkeys.c load_ed_keys, without encrypted or offline-only master keys beyond a missing secret.</summary>
    private (Ed25519PublicKey MasterPublic, Ed25519KeyPair? Master, Ed25519KeyPair Signing, Ed25519Cert Cert)
        LoadEd25519Keys(DateTimeOffset now)
    {
        var (signing, cert) = TryLoadSigningKey();

        var masterSecretPath = KeyPath(MasterIdSecretKey);
        var masterPublicPath = KeyPath(MasterIdPublicKey);
        Ed25519KeyPair? master = null;
        Ed25519PublicKey? masterPublic = null;
        if (File.Exists(masterSecretPath))
        {
            if (!TorKeyFiles.TryDecodeEd25519Secret(File.ReadAllBytes(masterSecretPath), TorKeyFiles.MasterIdTag, out master, out var error))
                throw new InvalidDataException($"Cannot load {masterSecretPath}: {error}");
        }
        if (File.Exists(masterPublicPath))
        {
            if (!TorKeyFiles.TryDecodeEd25519Public(File.ReadAllBytes(masterPublicPath), TorKeyFiles.MasterIdTag, out masterPublic, out var error))
                throw new InvalidDataException($"Cannot load {masterPublicPath}: {error}");
            if (master is not null && !master.PublicKey.Equals(masterPublic))
                throw new InvalidDataException($"{masterPublicPath} does not match {masterSecretPath}");
        }

        if (master is not null && masterPublic is null)
        {
            _logger.LogInformation("Found master secret key but not {Path}; regenerating it", masterPublicPath);
            masterPublic = master.PublicKey;
            PrivateFiles.WriteAtomic(masterPublicPath, TorKeyFiles.EncodeEd25519Public(masterPublic, TorKeyFiles.MasterIdTag));
        }
        else if (masterPublic is null && signing is not null)
        {
            _logger.LogWarning("Master public key was absent; inferring it from the signing certificate");
            masterPublic = cert!.SignedWithKey!;
            PrivateFiles.WriteAtomic(masterPublicPath, TorKeyFiles.EncodeEd25519Public(masterPublic, TorKeyFiles.MasterIdTag));
        }
        else if (masterPublic is null)
        {
            _logger.LogInformation("Generating a new ed25519 master identity key");
            master = Ed25519KeyPair.Generate();
            masterPublic = master.PublicKey;
            PrivateFiles.WriteAtomic(masterSecretPath, TorKeyFiles.EncodeEd25519Secret(master, TorKeyFiles.MasterIdTag));
            PrivateFiles.WriteAtomic(masterPublicPath, TorKeyFiles.EncodeEd25519Public(masterPublic, TorKeyFiles.MasterIdTag));
        }

        if (cert is not null && (!masterPublic.Equals(cert.SignedWithKey) || !cert.VerifySignature(masterPublic)))
            throw new InvalidDataException($"{KeyPath(SigningCert)} was not signed by the master identity key");

        bool needNew = signing is null || cert!.Expiration < now;
        bool wantNew = needNew || cert!.Expiration < now + _options.SigningKeySlop;
        if (wantNew && master is not null)
        {
            (signing, cert) = CreateSigningKey(master, now);
        }
        else if (needNew)
        {
            throw new InvalidOperationException(
                "A new ed25519 signing key is needed, but the master identity secret key is not available");
        }
        else if (wantNew)
        {
            _logger.LogWarning("Signing key will expire soon, but the master identity secret key is not available");
        }
        return (masterPublic, master, signing!, cert!);
    }

    /// <summary>The signing key and a certificate that certifies it and names its signer; null if either is unusable.</summary>
    private (Ed25519KeyPair? Signing, Ed25519Cert? Cert) TryLoadSigningKey()
    {
        var secretPath = KeyPath(SigningSecretKey);
        var certPath = KeyPath(SigningCert);
        if (!File.Exists(secretPath)) return (null, null);
        if (!TorKeyFiles.TryDecodeEd25519Secret(File.ReadAllBytes(secretPath), TorKeyFiles.SigningTag, out var signing, out var error))
        {
            _logger.LogWarning("Cannot load {Path}: {Error}; making a new signing key", secretPath, error);
            return (null, null);
        }
        if (!File.Exists(certPath) ||
            !TorKeyFiles.TryDecodeEd25519Cert(File.ReadAllBytes(certPath), TorKeyFiles.SigningTag, out var body, out error) ||
            !Ed25519Cert.TryDecode(body, out var cert, out error) ||
            !signing!.PublicKey.Bytes.AsSpan().SequenceEqual(cert!.CertifiedKey) ||
            cert.SignedWithKey is null)
        {
            _logger.LogWarning("Signing certificate {Path} is missing or unusable ({Error}); making a new signing key",
                certPath, error ?? "wrong key");
            return (null, null);
        }
        return (signing, cert);
    }

    private (Ed25519KeyPair Signing, Ed25519Cert Cert) CreateSigningKey(Ed25519KeyPair master, DateTimeOffset now)
    {
        _logger.LogInformation("Generating a new ed25519 signing key, valid for {Lifetime}", _options.SigningKeyLifetime);
        var signing = Ed25519KeyPair.Generate();
        var cert = Ed25519Cert.Create(CertType.Ed25519Signing, CertKeyType.Ed25519, signing.PublicKey.Bytes,
            now + _options.SigningKeyLifetime, master, includeSignedWithKey: true);
        // Secret key first: a crash in between leaves a cert for the wrong key, which the next load replaces.
        PrivateFiles.WriteAtomic(KeyPath(SigningSecretKey), TorKeyFiles.EncodeEd25519Secret(signing, TorKeyFiles.SigningTag));
        PrivateFiles.WriteAtomic(KeyPath(SigningCert), TorKeyFiles.EncodeEd25519Cert(cert.Encoded, TorKeyFiles.SigningTag));
        return (signing, cert);
    }
}
