// Shown while the page asks the daemon for its first data.
import { PageLoading } from '../../components/page-loading.tsx';

export default function Loading() {
  return <PageLoading title="VMs" what="Loading the virtual machines from the daemon…" />;
}
