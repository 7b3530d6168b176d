using System.Runtime.CompilerServices;

// Congestion tests replay C tor's vectors, which inject send timestamps and inflight counts.
[assembly: InternalsVisibleTo("TorRelay.Core.Tests")]
