using TorRelay.Directory.Cache;
using TorRelay.Directory.Netdoc;
using TorRelay.Directory.Tests.Consensus;

namespace TorRelay.Directory.Tests.Cache;

public sealed class DirectoryDocumentStoreTests(GencertFixture gencert) : IClassFixture<GencertFixture>
{
    private static readonly DateTimeOffset ValidAfter = DateTimeOffset.UtcNow.AddHours(1);

    [Fact]
    public void OnlyDocumentsTheConsensusListsAreAdmitted()
    {
        var docs = new TestDocuments(gencert, ValidAfter);
        var store = new DirectoryDocumentStore();
        // No consensus yet: nothing can be checked, so nothing is kept.
        Assert.Equal(0, store.AddMicrodescriptors(CachedMicrodescriptor.SplitMany(string.Concat(docs.Microdescriptors))));
        store.SetConsensus(docs.MicrodescConsensus);
        store.SetConsensus(docs.NsConsensus);
        Assert.Equal(3, store.Current.MissingMicrodescriptors().Count);
        Assert.Equal(3, store.Current.MissingServerDescriptors().Count);

        string tampered = docs.Microdescriptors[0].Replace("ntor-onion-key ", "ntor-onion-key A", StringComparison.Ordinal);
        Assert.Equal(0, store.AddMicrodescriptors(CachedMicrodescriptor.SplitMany(tampered)));
        Assert.Equal(0, store.AddServerDescriptors(CachedServerDescriptor.SplitMany(docs.Descriptors[1].Replace("test1", "test9"))));
        Assert.Equal(2, store.AddMicrodescriptors(CachedMicrodescriptor.SplitMany("@last-listed x\n" + docs.Microdescriptors[1] + docs.Microdescriptors[2])));
        Assert.Equal(0, store.AddMicrodescriptors(CachedMicrodescriptor.SplitMany(docs.Microdescriptors[1]))); // already held
        Assert.Equal(1, store.AddServerDescriptors(CachedServerDescriptor.SplitMany("junk\n" + docs.Descriptors[2] + "router trunc")));
        Assert.Single(store.Current.MissingMicrodescriptors());
        Assert.Equal(2, store.Current.MissingServerDescriptors().Count);
    }

    [Fact]
    public void ANewConsensusPrunesWhatNeitherItNorItsPredecessorLists()
    {
        var first = new TestDocuments(gencert, ValidAfter);
        DirectoryDocumentStore store = first.Store(gencert);
        var second = new TestDocuments(gencert, ValidAfter.AddMinutes(10), routers: 1);
        Assert.True(store.SetConsensus(second.MicrodescConsensus));
        Assert.Equal(3, store.Current.MicrodescriptorCount); // the replaced consensus still lists them
        Assert.False(store.SetConsensus(first.MicrodescConsensus)); // older: refused

        var third = new TestDocuments(gencert, ValidAfter.AddMinutes(20), routers: 1);
        Assert.True(store.SetConsensus(third.MicrodescConsensus));
        Assert.Equal(1, store.Current.MicrodescriptorCount); // router 0's microdescriptor is the same in all three
        Assert.NotNull(store.Current.FindMicrodescriptor(TestDocuments.MicrodescDigest(first.Microdescriptors[0])));

        Assert.True(store.SetConsensus(second.NsConsensus));
        Assert.True(store.SetConsensus(third.NsConsensus));
        Assert.Equal(0, store.Current.ServerDescriptorCount); // descriptors carry their consensus's time: all new
        Assert.Null(store.Current.FindServerDescriptorByFingerprint(first.Identities[1], out _));
    }

    [Fact]
    public void SnapshotsDoNotChangeUnderTheReader()
    {
        var docs = new TestDocuments(gencert, ValidAfter);
        var store = new DirectoryDocumentStore();
        DirectoryCacheSnapshot before = store.Current;
        store.SetConsensus(docs.MicrodescConsensus);
        store.SetCertificates(gencert.Certificates.Concat(gencert.Certificates));
        Assert.Null(before.MicrodescConsensus);
        Assert.Empty(before.Certificates);
        Assert.Equal(3, store.Current.Certificates.Length); // deduplicated by signing key
        Assert.Equal(NetdocFormat.WireBytes(docs.MicrodescText), store.Current.MicrodescConsensus!.Bytes);
    }
}
