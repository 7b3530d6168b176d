namespace TorRelay.Interop;

/// <summary>All interop tests share one private network: [Collection("TorNetwork")].</summary>
[CollectionDefinition("TorNetwork")]
public sealed class TorNetworkCollection : ICollectionFixture<TorNetworkFixture>;
