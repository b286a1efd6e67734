from rest_framework import serializers

from realtime.tickets import IssuedTicket


class WsTicketSerializer(serializers.Serializer[IssuedTicket]):
    ticket = serializers.CharField(help_text="Single use; connect to /ws/?ticket=<ticket>.")
    expires_in = serializers.IntegerField(help_text="Seconds the ticket stays valid.")
