using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Cells.Certs;
using TorRelay.Crypto.KeyFiles;
using TorRelay.Relay.Keys;

namespace TorRelay.Relay.Tests.Keys;

public class RelayKeyStoreTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddDays(-1);

    private static readonly string[] AllKeyFiles =
    [
        RelayKeyStore.SecretIdKey, RelayKeyStore.MasterIdSecretKey, RelayKeyStore.MasterIdPublicKey,
        RelayKeyStore.SigningSecretKey, RelayKeyStore.SigningCert, RelayKeyStore.SecretOnionKey,
        RelayKeyStore.SecretOnionKeyNtor,
    ];

    private static RelayKeyStore Store(string dataDirectory, TimeProvider time) =>
        new(dataDirectory, time, NullLogger.Instance);

    private static Dictionary<string, byte[]> Snapshot(string keysDirectory) =>
        System.IO.Directory.GetFiles(keysDirectory).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    [Fact]
    public void CTor_ListsTheSameIdentities_ForKeysWeCreated_AndRewritesNothing()
    {
        using var tmp = new TempDirectory();
        var dataDir = tmp.Combine("data");
        var keys = Store(dataDir, TimeProvider.System).LoadOrCreate();
        var before = Snapshot(Path.Combine(dataDir, "keys"));

        var tor = CTorListFingerprint.Run(dataDir, tmp.Path);

        Assert.Equal(keys.Fingerprint, tor.RsaFingerprint);
        Assert.Equal(keys.MasterIdentityKey.ToBase64(), tor.Ed25519Identity);
        // C tor accepted every file as is: it neither replaced a key nor made a new signing certificate.
        var after = Snapshot(Path.Combine(dataDir, "keys"));
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, bytes) in before)
            Assert.True(bytes.AsSpan().SequenceEqual(after[name]), $"tor rewrote {name}");
    }

    [Fact]
    public void KeysCTorCreated_LoadUnchanged_WithTheSameIdentities()
    {
        using var tmp = new TempDirectory();
        var dataDir = tmp.Combine("data");
        var tor = CTorListFingerprint.Run(dataDir, tmp.Path);
        var keysDir = Path.Combine(dataDir, "keys");
        var before = Snapshot(keysDir);

        var keys = Store(dataDir, TimeProvider.System).LoadOrCreate();

        Assert.Equal(tor.RsaFingerprint, keys.Fingerprint);
        Assert.Equal(tor.Ed25519Identity, keys.MasterIdentityKey.ToBase64());
        Assert.True(TorKeyFiles.TryDecodeEd25519Public(before[RelayKeyStore.MasterIdPublicKey], TorKeyFiles.MasterIdTag,
            out var masterFromFile, out _));
        Assert.Equal(masterFromFile, keys.MasterIdentityKey);
        Assert.Equal(keys.MasterIdentityKey, keys.MasterIdentity!.PublicKey);
        Assert.Equal(before[RelayKeyStore.SigningCert][32..], keys.SigningCert.Encoded);
        Assert.Equal(keys.Signing.PublicKey.Bytes, keys.SigningCert.CertifiedKey);
        Assert.Null(keys.PreviousNtorOnionKey);
        Assert.Null(keys.PreviousTapOnionKey);

        var after = Snapshot(keysDir);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, bytes) in before)
            Assert.True(bytes.AsSpan().SequenceEqual(after[name]), $"we rewrote {name}");
    }

    [Fact]
    public void LoadOrCreate_UsesOwnerOnlyModes()
    {
        using var tmp = new TempDirectory();
        var dataDir = tmp.Combine("data");
        Store(dataDir, TimeProvider.System).LoadOrCreate();

        const UnixFileMode dirMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        const UnixFileMode fileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(dirMode, File.GetUnixFileMode(dataDir));
        Assert.Equal(dirMode, File.GetUnixFileMode(Path.Combine(dataDir, "keys")));
        var files = System.IO.Directory.GetFiles(Path.Combine(dataDir, "keys"));
        Assert.Equal(AllKeyFiles.Order(), files.Select(Path.GetFileName).Order());
        Assert.All(files, f => Assert.Equal(fileMode, File.GetUnixFileMode(f)));
    }

    [Fact]
    public void LoadOrCreate_TightensAnOpenDataDirectory()
    {
        using var tmp = new TempDirectory();
        var dataDir = tmp.Combine("data");
        System.IO.Directory.CreateDirectory(dataDir);
        File.SetUnixFileMode(dataDir, (UnixFileMode)0b111_101_101);
        Store(dataDir, TimeProvider.System).LoadOrCreate();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dataDir));
    }

    [Fact]
    public void LoadOrCreate_Twice_LoadsTheSameKeys()
    {
        using var tmp = new TempDirectory();
        var time = new ManualTimeProvider(T0);
        var first = Store(tmp.Path, time).LoadOrCreate();
        time.Advance(TimeSpan.FromDays(5));
        var second = Store(tmp.Path, time).LoadOrCreate();

        Assert.Equal(first.Fingerprint, second.Fingerprint);
        Assert.Equal(first.MasterIdentityKey, second.MasterIdentityKey);
        Assert.Equal(first.Signing.PublicKey, second.Signing.PublicKey);
        Assert.Equal(first.SigningCert.Encoded, second.SigningCert.Encoded);
        Assert.Equal(first.NtorOnionKey.PublicKey.ToArray(), second.NtorOnionKey.PublicKey.ToArray());
        Assert.Equal(first.TapOnionKey.PublicKey, second.TapOnionKey.PublicKey);
        Assert.Equal(first.OnionKeysCreated.ToUnixTimeSeconds(), second.OnionKeysCreated.ToUnixTimeSeconds());
    }

    [Fact]
    public void SigningCert_IsType4_SignedByMaster_ExpiringAfterTheLifetime()
    {
        using var tmp = new TempDirectory();
        var keys = Store(tmp.Path, new ManualTimeProvider(T0)).LoadOrCreate();
        var cert = keys.SigningCert;
        Assert.Equal(CertType.Ed25519Signing, cert.CertType);
        Assert.Equal(CertKeyType.Ed25519, cert.KeyType);
        Assert.Equal(keys.MasterIdentityKey, cert.SignedWithKey);
        Assert.True(cert.VerifySignature(keys.MasterIdentityKey));
        var expectedHours = (T0.AddDays(30).ToUnixTimeSeconds() + 3599) / 3600;
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(expectedHours * 3600), cert.Expiration);
    }

    [Fact]
    public void RotateIfNeeded_FollowsCTorSchedule()
    {
        using var tmp = new TempDirectory();
        var time = new ManualTimeProvider(T0);
        var store = Store(tmp.Path, time);
        var initial = store.LoadOrCreate();
        var keysDir = store.KeysDirectory;
        var ntorFile = File.ReadAllBytes(Path.Combine(keysDir, RelayKeyStore.SecretOnionKeyNtor));
        var tapFile = File.ReadAllBytes(Path.Combine(keysDir, RelayKeyStore.SecretOnionKey));

        // Day 27: nothing is due.
        time.Advance(TimeSpan.FromDays(27));
        Assert.Equal(KeyRotation.None, store.RotateIfNeeded());
        Assert.Same(initial, store.Current);

        // Day 28: onion keys rotate, the old ones move to .old files and stay usable.
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(KeyRotation.OnionKeys, store.RotateIfNeeded());
        var rotated = store.Current;
        Assert.NotEqual(initial.NtorOnionKey.PublicKey.ToArray(), rotated.NtorOnionKey.PublicKey.ToArray());
        Assert.NotEqual(initial.TapOnionKey.PublicKey, rotated.TapOnionKey.PublicKey);
        Assert.Same(initial.NtorOnionKey, rotated.PreviousNtorOnionKey);
        Assert.Same(initial.TapOnionKey, rotated.PreviousTapOnionKey);
        Assert.Equal(time.GetUtcNow(), rotated.OnionKeysCreated);
        Assert.Equal(ntorFile, File.ReadAllBytes(Path.Combine(keysDir, RelayKeyStore.SecretOnionKeyNtor + ".old")));
        Assert.Equal(tapFile, File.ReadAllBytes(Path.Combine(keysDir, RelayKeyStore.SecretOnionKey + ".old")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite,
            File.GetUnixFileMode(Path.Combine(keysDir, RelayKeyStore.SecretOnionKeyNtor + ".old")));
        Assert.Equal(initial.Signing.PublicKey, rotated.Signing.PublicKey);

        // A restart now loads the previous keys from the .old files and the rotation time from the mtime.
        var reloaded = Store(tmp.Path, time).LoadOrCreate();
        Assert.Equal(initial.NtorOnionKey.PublicKey.ToArray(), reloaded.PreviousNtorOnionKey!.PublicKey.ToArray());
        Assert.Equal(initial.TapOnionKey.PublicKey, reloaded.PreviousTapOnionKey!.PublicKey);
        Assert.Equal(rotated.OnionKeysCreated.ToUnixTimeSeconds(), reloaded.OnionKeysCreated.ToUnixTimeSeconds());

        // Day 29 + 1h: the signing certificate (expiring at day 30) is within the one-day slop and is renewed.
        time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromHours(1));
        Assert.Equal(KeyRotation.SigningKey, store.RotateIfNeeded());
        var renewed = store.Current;
        Assert.NotEqual(initial.Signing.PublicKey, renewed.Signing.PublicKey);
        Assert.True(renewed.SigningCert.VerifySignature(renewed.MasterIdentityKey));
        Assert.Equal(renewed.Signing.PublicKey.Bytes, renewed.SigningCert.CertifiedKey);
        Assert.True(renewed.SigningCert.Expiration >= time.GetUtcNow().AddDays(30));
        Assert.Equal(initial.MasterIdentityKey, renewed.MasterIdentityKey);
        Assert.Equal(initial.Fingerprint, renewed.Fingerprint);
        Assert.True(TorKeyFiles.TryDecodeEd25519Cert(File.ReadAllBytes(Path.Combine(keysDir, RelayKeyStore.SigningCert)),
            TorKeyFiles.SigningTag, out var certOnDisk, out _));
        Assert.Equal(renewed.SigningCert.Encoded, certOnDisk);

        // Day 35 (7 days after rotation): the previous onion keys expire and their files go.
        time.Advance(TimeSpan.FromDays(6));
        Assert.Equal(KeyRotation.PreviousOnionKeysExpired, store.RotateIfNeeded());
        Assert.Null(store.Current.PreviousNtorOnionKey);
        Assert.Null(store.Current.PreviousTapOnionKey);
        Assert.False(File.Exists(Path.Combine(keysDir, RelayKeyStore.SecretOnionKeyNtor + ".old")));
        Assert.False(File.Exists(Path.Combine(keysDir, RelayKeyStore.SecretOnionKey + ".old")));
        Assert.Equal(KeyRotation.None, store.RotateIfNeeded());
    }

    [Fact]
    public void LoadOrCreate_ReplacesAnExpiredSigningKey_KeepingTheIdentity()
    {
        using var tmp = new TempDirectory();
        var time = new ManualTimeProvider(T0);
        var first = Store(tmp.Path, time).LoadOrCreate();
        time.Advance(TimeSpan.FromDays(31));
        var second = Store(tmp.Path, time).LoadOrCreate();
        Assert.Equal(first.MasterIdentityKey, second.MasterIdentityKey);
        Assert.NotEqual(first.Signing.PublicKey, second.Signing.PublicKey);
        Assert.False(second.SigningCert.IsExpired(time.GetUtcNow()));
    }

    [Fact]
    public void OfflineMasterKey_LoadsWithoutSecret_ButCannotRenewAnExpiredSigningKey()
    {
        using var tmp = new TempDirectory();
        var time = new ManualTimeProvider(T0);
        var first = Store(tmp.Path, time).LoadOrCreate();
        File.Delete(Path.Combine(tmp.Path, "keys", RelayKeyStore.MasterIdSecretKey));

        var offline = Store(tmp.Path, time).LoadOrCreate();
        Assert.Null(offline.MasterIdentity);
        Assert.Equal(first.MasterIdentityKey, offline.MasterIdentityKey);
        Assert.Equal(first.Signing.PublicKey, offline.Signing.PublicKey);

        time.Advance(TimeSpan.FromDays(31));
        Assert.Throws<InvalidOperationException>(() => Store(tmp.Path, time).LoadOrCreate());
    }

    [Fact]
    public void LoadOrCreate_RejectsMismatchedMasterKeyFiles()
    {
        using var tmp = new TempDirectory();
        Store(tmp.Path, new ManualTimeProvider(T0)).LoadOrCreate();
        using var other = TorRelay.Crypto.Ed25519KeyPair.Generate();
        File.WriteAllBytes(Path.Combine(tmp.Path, "keys", RelayKeyStore.MasterIdPublicKey),
            TorKeyFiles.EncodeEd25519Public(other.PublicKey, TorKeyFiles.MasterIdTag));
        Assert.Throws<InvalidDataException>(() => Store(tmp.Path, new ManualTimeProvider(T0)).LoadOrCreate());
    }

    [Fact]
    public void Current_BeforeLoad_Throws()
    {
        using var tmp = new TempDirectory();
        Assert.Throws<InvalidOperationException>(() => Store(tmp.Path, TimeProvider.System).Current);
    }
}
