# The Sidekiq worker of the example: one job class whose run time is an argument, so a test can
# have a job in flight that outlasts any stop window. It writes NAME.started when a job begins and
# NAME.done when it ends, in MARKER_DIR.
#
# Settings (environment): REDIS_SOCKET, the Unix socket of Redis; MARKER_DIR, where the marker
# files go.
require "sidekiq"

redis = { path: ENV.fetch("REDIS_SOCKET") }
Sidekiq.configure_server { |config| config.redis = redis }
Sidekiq.configure_client { |config| config.redis = redis }

class SlowJob
  include Sidekiq::Worker
  sidekiq_options retry: false

  def perform(name, seconds)
    marker = File.join(ENV.fetch("MARKER_DIR"), name)
    File.write("#{marker}.started", Process.pid.to_s)
    sleep seconds
    File.write("#{marker}.done", "done")
  end
end
